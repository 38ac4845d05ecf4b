# One image for web, the workers and beat (docker-compose.yml picks the command).
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_PRODUCTION=1 APERTURE_VAR_DIR=/app/var

RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 1000 aperture

WORKDIR /app
COPY requirements.lock pyproject.toml ./
RUN pip install --no-cache-dir -r requirements.lock

COPY . .
# Production settings refuse to import without a key, a database and Redis; these exist only
# during the build, and neither command connects to anything.
RUN export DJANGO_SECRET_KEY=build-only-not-secret DJANGO_ALLOWED_HOSTS=build \
      DATABASE_URL=postgres://build@127.0.0.1:5432/build REDIS_URL=redis://127.0.0.1:6379/0 \
 && python manage.py compilemessages --ignore .venv \
 && python manage.py collectstatic --noinput \
 && mkdir -p /app/var/exports && chown -R aperture /app/var

USER aperture
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
