# kflow API image. `docker compose up` runs it against Neo4j (docker-compose.yml);
# run alone, it uses the embedded engine and keeps its files under /app/data.
# The explorer page and GraphiQL: bundled from npm packages at build time, so they load
# nothing at run time (GraphiQL's tabs come from the README's examples).
FROM node:20-slim AS explorer
WORKDIR /app
COPY web/package.json web/package-lock.json web/
RUN cd web && npm ci --no-audit --no-fund
COPY web/ web/
COPY README.md README.md
RUN cd web && npm run build

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# The whole repository: the service reads cypher/, schema/ and seed/ from here at run time.
COPY . /app
COPY --from=explorer /app/service/api/explorer_static /app/service/api/explorer_static
COPY --from=explorer /app/service/api/graphiql_static /app/service/api/graphiql_static

# Editable, so the package finds cypher/, schema/ and seed/ beside it; the engine module
# is fetched at build time so the image also runs alone on the embedded engine.
RUN pip install -e /app \
 && kflow engine install \
 && useradd --system --create-home --uid 10001 --user-group kflow \
 && mkdir -p /app/data \
 && chown kflow:kflow /app/data

USER kflow

EXPOSE 8000

# No curl in the slim image: probe with the standard library.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]

CMD ["kflow", "serve", "--host", "0.0.0.0", "--port", "8000"]
