# syntax=docker/dockerfile:1
# One image for every service: TypeScript runs through tsx (no build step), so the command picks the service:
#   npm run start:core | start:twin | start:bridge | start:gateway (which serves the dashboard), npm run simulate.

FROM node:20-bookworm-slim AS manifests
WORKDIR /src
COPY . .
# Only package.json files and the lockfile, in their folders, so `npm ci` stays cached until dependencies change; and
# the postinstall patch of postgres.js (packages/database/patches) that `npm ci` applies.
RUN mkdir /manifests \
  && cp package.json package-lock.json /manifests/ \
  && find packages subgraphs apps -maxdepth 2 -name package.json -exec cp --parents {} /manifests/ \; \
  && cp --parents packages/database/patches/postgresSocketRace.mjs /manifests/

FROM node:20-bookworm-slim AS runtime
WORKDIR /app
COPY --from=manifests /manifests/ ./
# Dev dependencies included: tsx runs the services.
RUN npm ci --no-audit --no-fund && npm cache clean --force
COPY . .
# The operator page is bundled once here; the gateway serves it from DASHBOARD_DIR.
RUN npm run build -w @bst/dashboard
ENV NODE_ENV=production HOST=0.0.0.0
USER node
EXPOSE 4000 4001 4002
CMD ["npm", "run", "start:gateway"]
