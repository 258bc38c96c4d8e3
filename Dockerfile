# syntax=docker/dockerfile:1
# Ticketgate image: `docker build -t ticketgate .`, then
# `docker run -p 3000:3000 -e REDIS_URL=redis://… -e JWT_SECRET=… ticketgate`.
# Three stages: compile with every dependency, install production dependencies alone, and a
# final stage holding only those plus the compiled JavaScript, run as the unprivileged `node`.
ARG NODE_IMAGE=node:20.20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: no production dependency needs one, and none should run at build time.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
# Owned by root and only readable by `node`: the process cannot modify its own code.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The status endpoint reports the version from package.json.
COPY package.json ./
USER node
EXPOSE 3000
# Liveness, not readiness: a Redis outage must not get a healthy process restarted.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM starts the graceful shutdown (readiness 503, drain, close) and the process exits 0.
STOPSIGNAL SIGTERM
CMD ["node", "dist/main.js"]
