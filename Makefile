# Thin aliases for ./dev.sh, which does the work. `make test ARGS="-k importer"` passes arguments to pytest.
.PHONY: run test lint check-deploy

run:
	./dev.sh run

test:
	./dev.sh test $(ARGS)

lint:
	./dev.sh lint

check-deploy:
	./dev.sh check-deploy
