# The web app: gunicorn serving factcheck.wsgi (production settings), static files through WhiteNoise.
# Needs SECRET_KEY and DATABASE_URL at run time; see docker-compose.yml and .env.example.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=factcheck.settings.production \
    PYTHONPATH=/app \
    WEB_CONCURRENCY=3

RUN useradd --system --create-home --home-dir /home/app --uid 10001 app

WORKDIR /app
# Dependencies first, from pyproject.toml alone, so that a code change doesn't reinstall them.
COPY pyproject.toml .
RUN python -c "import tomllib; print(*tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies'], sep=chr(10))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt && rm /tmp/requirements.txt
COPY . .
RUN pip install --no-deps . && rm -rf build *.egg-info

# collectstatic loads the production settings, which refuse to start without a SECRET_KEY. This one is random,
# exists only for this RUN step and is not kept in the image: the container must be given its own.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(48))')" \
    python manage.py collectstatic --noinput

USER app
EXPOSE 8000
# gunicorn takes its worker count from WEB_CONCURRENCY, the rest from gunicorn.conf.py (threaded workers, keep-alive).
CMD ["gunicorn", "factcheck.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
