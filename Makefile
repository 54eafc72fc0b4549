# pulumi-resource-libvirt: a Pulumi resource provider for libvirt, in C#.
#   make build       the plugin, as bin/pulumi-resource-libvirt
#   make test        install what is missing, start libvirtd, lint, build, run every test suite
#   make test-unit   the xUnit tests that need no libvirtd and no root (seconds)
#   make lint        fail on any layout difference (CSharpier), line over 120 columns, formatting difference
#                    (dotnet format) or analyzer/code-style warning (the build)
#   make format      apply CSharpier (layout) and dotnet format (code style, analyzer fixes) to the whole tree
#   make install     put the plugin where the Pulumi CLI finds it
#   make up          set up libvirt and the Pulumi CLI when missing, then pulumi up on examples/lab (local backend)
#   make down        pulumi destroy of the same stack: the host is left as it was
#   make schema      regenerate schema.json from the provider's types, then docs/ from it
#   make docs        regenerate the reference pages of docs/ from schema.json
#   make bench       benchmarks on the real libvirtd (bench/README.md; BENCH_FILTER picks some, e.g. '*Upload*' '*HostCopy*';
#                    BENCH_ARGS for BenchmarkDotNet, e.g. --job short; BENCH_BEFORE=path/to/an/earlier/build's
#                    bin/pulumi-resource-libvirt compares start to port with it, start after start)

VERSION := $(shell sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props)
BIN := bin/pulumi-resource-libvirt
PLUGIN_DIR := $(HOME)/.pulumi/plugins/resource-libvirt-v$(VERSION)
SOURCES := $(shell find provider -name '*.cs' -o -name '*.proto' -o -name '*.csproj') schema.json Directory.Build.props .editorconfig
EXAMPLE ?= examples/lab
BENCH_FILTER ?= '*'
BENCH_BEFORE ?=

.PHONY: build test lint format test-unit deps install up down schema docs bench clean

build: $(BIN)

$(BIN): $(SOURCES)
	dotnet publish provider/Provider.csproj -c Release -r linux-x64 --self-contained false \
		-p:PublishReadyToRun=true -o bin --nologo -v quiet
	@touch $(BIN)

deps:
	@scripts/install-deps.sh

test: deps lint build
	@scripts/run-tests.sh

# The rules are .editorconfig's and Directory.Build.props' (AnalysisLevel, EnforceCodeStyleInBuild,
# TreatWarningsAsErrors); CSharpier's version is pinned in .config/dotnet-tools.json. One restore, then every step
# works offline on the restored packages.
CSHARP_DIRS := provider tests bench

lint:
	dotnet tool restore
	dotnet restore Provider.sln --nologo -v quiet
	dotnet csharpier check $(CSHARP_DIRS)
	scripts/line-length.sh
	dotnet format Provider.sln --no-restore --verify-no-changes
	dotnet build Provider.sln --no-restore --nologo -v quiet

format:
	dotnet tool restore
	dotnet csharpier format $(CSHARP_DIRS)
	dotnet format Provider.sln

# Only the tests of Category=Unit (tests/Provider.Tests/Support/Category.cs): no plugin build, no libvirtd, no root.
test-unit:
	dotnet test tests/Provider.Tests --nologo --filter Category=Unit

install: build
	mkdir -p $(PLUGIN_DIR)
	cp -r bin/. $(PLUGIN_DIR)/
	@echo "installed $(PLUGIN_DIR)"

up: install
	@scripts/up.sh up $(EXAMPLE)

down: build
	@scripts/up.sh down $(EXAMPLE)

schema:
	UPDATE_SCHEMA=1 dotnet test tests/Provider.Tests --nologo -v quiet --filter "FullyQualifiedName~SchemaTests"
	$(MAKE) docs

# docs/resources, docs/functions, docs/_index.md and docs/installation-configuration.md; the other pages are written
# by hand.
docs:
	UPDATE_DOCS=1 dotnet test tests/Provider.Tests --nologo -v quiet --filter "FullyQualifiedName~ReferenceDocsTests"

# The built binary's start to port first (against BENCH_BEFORE's when given), then the plugin's peak memory during a
# 4 GiB upload, then a classroom lab through the built binary against libvirt's own tools (bench/README.md), a reset of
# that lab (resetOn) against the same tools, then BenchmarkDotNet.
bench: deps build
	dotnet run -c Release --project bench -- --startup $(if $(BENCH_BEFORE),--before $(BENCH_BEFORE))
	dotnet run -c Release --project bench -- --rss
	dotnet run -c Release --project bench -- --scale
	dotnet run -c Release --project bench -- --reset
	dotnet run -c Release --project bench -- --filter $(BENCH_FILTER) $(BENCH_ARGS)

clean:
	rm -rf bin provider/bin provider/obj tests/Provider.Tests/bin tests/Provider.Tests/obj bench/bin bench/obj tests/interop/node_modules BenchmarkDotNet.Artifacts
