# syntax=docker/dockerfile:1
# One image recipe for every service; SERVICE names it and PORT is where it listens. Build from the
# repository root, which is the context:
#   docker build --build-arg SERVICE=membership --build-arg PORT=8001 -t fellowship/membership .

ARG PYTHON_IMAGE=python:3.11-slim
ARG SERVICE
ARG PORT

# ---- builder: resolve the locked dependencies into /app/.venv ------------------------------------
FROM ${PYTHON_IMAGE} AS builder
ARG SERVICE
RUN test -n "${SERVICE}" || (echo "build with --build-arg SERVICE=<name> (and PORT=<port>)" >&2; exit 1)

RUN pip install --no-cache-dir --disable-pip-version-check uv==0.13.8

# The venv must use the interpreter at the same path as the runtime stage (same base image), and uv
# must never download a Python of its own. Copy mode because the cache mount is another filesystem.
ENV UV_PROJECT_ENVIRONMENT=/app/.venv \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_PYTHON_DOWNLOADS=never \
    UV_LINK_MODE=copy \
    UV_COMPILE_BYTECODE=1

WORKDIR /app

# Third-party dependencies first: this layer depends only on the lock file, so it is reused across
# code changes (one layer per service's dependency set).
RUN --mount=type=cache,target=/root/.cache/uv \
    --mount=type=bind,source=uv.lock,target=uv.lock \
    --mount=type=bind,source=pyproject.toml,target=pyproject.toml \
    uv sync --frozen --no-dev --no-install-workspace --package ${SERVICE}

# Then the workspace code: the shared package and this service only. Both are installed editable, so
# the code stays under /app and paths found from a module's location (migrations/) still resolve.
COPY pyproject.toml uv.lock README.md ./
COPY shared/ shared/
COPY services/${SERVICE}/ services/${SERVICE}/
COPY deploy/kafka/ deploy/kafka/
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --package ${SERVICE} \
 && python -m compileall -q --invalidation-mode unchecked-hash shared services/${SERVICE}/src \
 && ln -s "fellowship-${SERVICE}" /app/.venv/bin/fellowship-service

# ---- runtime: the venv and the source, nothing else ---------------------------------------------
FROM ${PYTHON_IMAGE}
ARG SERVICE
ARG PORT

# A fixed numeric UID/GID so Kubernetes can verify runAsNonRoot without looking the name up.
RUN groupadd --gid 10001 fellowship \
 && useradd --uid 10001 --gid 10001 --home-dir /tmp --no-create-home --shell /usr/sbin/nologin fellowship

WORKDIR /app
COPY --from=builder /app/.venv /app/.venv
COPY --from=builder /app/shared /app/shared
COPY --from=builder /app/services/${SERVICE} /app/services/${SERVICE}
COPY --from=builder /app/deploy/kafka /app/deploy/kafka

# Files stay owned by root: the process cannot change its own code. Nothing is written outside /tmp
# (bytecode was compiled in the builder), so the root filesystem can be mounted read-only.
# USER/LOGNAME: the migration tool records getpass.getuser(), which otherwise needs the UID in
# /etc/passwd; a platform that assigns its own UID (OpenShift) would fail after migrating.
ENV PATH=/app/.venv/bin:$PATH \
    VIRTUAL_ENV=/app/.venv \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    USER=fellowship \
    LOGNAME=fellowship \
    HOME=/tmp \
    TMPDIR=/tmp \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=${PORT} \
    FELLOWSHIP_SERVICE=${SERVICE}

USER 10001:10001

EXPOSE ${PORT}

# /health answers while the process is alive; readiness (/ready) is the orchestrator's business.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ['HTTP_PORT'], timeout=2)"]

# fellowship-service links to fellowship-${SERVICE} (made in the builder), so the command needs no shell.
CMD ["fellowship-service", "serve"]
