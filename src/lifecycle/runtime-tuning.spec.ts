import { applyRuntimeTuning, RUNTIME_V8_FLAGS } from './runtime-tuning';

describe('applyRuntimeTuning', () => {
  it('applies every runtime V8 flag when the command line names none of them', () => {
    expect(applyRuntimeTuning(['--enable-source-maps'])).toEqual([...RUNTIME_V8_FLAGS]);
  });

  it.each([['--allocation-site-pretenuring'], ['--no-allocation-site-pretenuring'], ['--allocation_site_pretenuring']])(
    'leaves the pretenuring flag to the operator who passed %s',
    (flag) => {
      expect(applyRuntimeTuning(['--max-old-space-size=512', flag])).toEqual([]);
    },
  );
});
