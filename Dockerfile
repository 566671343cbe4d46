# syntax=docker/dockerfile:1
# Messenjo in one container: one Node process, one port, one data volume.
# The build runs the same `pnpm run build` that CI runs; the final CMD is the root `start` script
# (.ci/smoke-production.mjs checks that they match and smoke-tests exactly that command).

FROM node:24-bookworm-slim AS build
# better-sqlite3 falls back to compiling when no prebuilt binary can be fetched.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
RUN npm install -g pnpm@10.34.9
WORKDIR /src
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
COPY app/package.json app/
COPY sync-server/package.json sync-server/
COPY shared/package.json shared/
COPY tests/package.json tests/
RUN pnpm install --frozen-lockfile
COPY . .
RUN pnpm run build
# Only the server's production dependencies go into the image.
RUN pnpm --filter @messenjo/sync-server deploy --prod --legacy /out/sync-server \
  && rm -rf /out/sync-server/src \
  && cp -r sync-server/dist /out/sync-server/dist

FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    PORT=8080 \
    HOST=0.0.0.0 \
    DATA_DIR=/data
WORKDIR /app
COPY --from=build /src/package.json ./package.json
COPY --from=build /out/sync-server ./sync-server
COPY --from=build /src/app/dist ./app/dist
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "sync-server/dist/main.js"]
