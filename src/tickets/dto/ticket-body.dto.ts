import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsString } from 'class-validator';

/** `{ ticket }`: a missing or non-string ticket is 400; a string of the wrong shape is merely not valid. */
export class TicketBodyDto {
  @ApiProperty({ example: 'tkt_3q2-7wE9c1d0mN4kz8JpXvYbQeR5sT6uV7wX8yZaB1C' })
  @IsDefined({ message: 'ticket is required' })
  @IsString({ message: 'ticket must be a string' })
  ticket: string;
}
