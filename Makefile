# nginx security contact module: build, run and test.
#
#   make run        build the module and run nginx with a demo configuration
#   make test       build and run the whole test suite
#
# Everything is built under build/.  The module is compiled against the
# nginx the machine has (Debian's nginx-dev, /usr/share/nginx/src) so that
# the packaged /usr/sbin/nginx loads it with load_module.

SHELL      := /bin/bash
NGX_SRC    ?= /usr/share/nginx/src
NGINX      ?= /usr/sbin/nginx
BUILD      := $(CURDIR)/build
CC         ?= cc

MODULE     := ngx_http_security_contact_module
MODULE_SO  := $(BUILD)/$(MODULE).so
ASAN_SO    := $(BUILD)/asan/$(MODULE).so

# the pure core (no nginx headers), as listed in ./config
CORE       := sectxt pgp template rate receipt form json report webhook
CORE_SRCS  := $(patsubst %,ngx_module/sc_%.c,$(CORE))
CORE_HDRS  := ngx_module/sc_core.h $(patsubst %,ngx_module/sc_%.h,$(CORE))
GLUE_SRCS  := $(wildcard ngx_module/ngx_*.c ngx_module/ngx_*.h)

UNIT_BINS  := $(patsubst %,$(BUILD)/unit/test_%,$(CORE))
TOOL_BINS  := $(BUILD)/tools/sc-pgp-sign
FUZZ_BINS  := $(patsubst %,$(BUILD)/fuzz/fuzz_%,pgp_key rate urlencoded \
              multipart json report http_response)

CORE_CFLAGS := -std=c99 -D_DEFAULT_SOURCE -g -O1 -Wall -Wextra -Werror \
               -Ingx_module
CORE_LIBS   := -lsodium -lcrypto

# the flags Debian builds nginx with, so the module matches its binary
NGX_CC_OPT := -g -O2 -fstack-protector-strong -Wformat \
              -Werror=format-security -fPIC -Wdate-time -D_FORTIFY_SOURCE=2
NGX_LD_OPT := -Wl,-z,relro -Wl,-z,now -fPIC
ASAN_OPT   := -fsanitize=address,undefined -fno-omit-frame-pointer \
              -fno-sanitize-recover=undefined

# Debian packages: to build, to run the demo, and to run the tests
PKGS_BUILD := nginx nginx-dev libsodium-dev libpcre2-dev libssl-dev \
              zlib1g-dev gcc make ca-certificates
PKGS_RUN   := openssl curl gnupg
PKGS_TEST  := gnupg sqv rnp curl openssl perl clang wrk libasan8 python3-nacl \
              libubsan1 valgrind chromium libnss-wrapper

FUZZ_TIME  ?= 60
PROVE_ARGS ?=

.PHONY: all module module-asan unit tools fuzz-build fuzz test test-asan \
        test-unit run deps-build deps-test deps-run bench clean static \
        test-static test-valgrind module-clang

all: module

# ---------------------------------------------------------------- packages

deps-build:
	@./.ci/install-deps $(PKGS_BUILD)

deps-test:
	@./.ci/install-deps $(PKGS_BUILD) $(PKGS_RUN) $(PKGS_TEST)
	@command -v npm >/dev/null || ./.ci/install-deps nodejs npm
	@[ -d t/browser/node_modules/playwright-core ] \
	    || npm ci --prefix t/browser --no-audit --no-fund

deps-run:
	@./.ci/install-deps $(PKGS_BUILD) $(PKGS_RUN)

# ---------------------------------------------------------------- module

# configure runs in a private copy of nginx-dev's tree: it writes files
# next to itself, and the packaged tree is not ours to change

$(BUILD)/%/Makefile: config $(CORE_HDRS)
	@rm -rf $(BUILD)/$*-src $(BUILD)/$*
	@mkdir -p $(BUILD)
	cp -r $(NGX_SRC) $(BUILD)/$*-src
	cd $(BUILD)/$*-src && . ./conf_flags && ./configure \
	    "$${NGX_CONF_FLAGS[@]}" \
	    $(if $(findstring clang,$*),--with-cc=clang) \
	    --with-cc-opt="$(NGX_CC_OPT) $(if $(findstring asan,$*),$(ASAN_OPT))" \
	    --with-ld-opt="$(NGX_LD_OPT) $(if $(findstring asan,$*),$(ASAN_OPT))" \
	    --add-dynamic-module=$(CURDIR) \
	    --builddir=$(BUILD)/$* > $(BUILD)/$*-configure.log \
	  || { tail -20 $(BUILD)/$*-configure.log; exit 1; }

$(MODULE_SO): $(BUILD)/ngx/Makefile $(CORE_SRCS) $(CORE_HDRS) $(GLUE_SRCS)
	$(MAKE) -C $(BUILD)/ngx-src -f $(BUILD)/ngx/Makefile modules
	cp $(BUILD)/ngx/$(MODULE).so $@.tmp && mv -f $@.tmp $@

$(ASAN_SO): $(BUILD)/ngx-asan/Makefile $(CORE_SRCS) $(CORE_HDRS) $(GLUE_SRCS)
	$(MAKE) -C $(BUILD)/ngx-asan-src -f $(BUILD)/ngx-asan/Makefile modules
	@mkdir -p $(BUILD)/asan
	cp $(BUILD)/ngx-asan/$(MODULE).so $@.tmp && mv -f $@.tmp $@

# the same module built by clang, for its warnings (nginx adds -Werror)
$(BUILD)/clang/$(MODULE).so: $(BUILD)/ngx-clang/Makefile $(CORE_SRCS) \
                             $(CORE_HDRS) $(GLUE_SRCS)
	$(MAKE) -C $(BUILD)/ngx-clang-src -f $(BUILD)/ngx-clang/Makefile modules
	@mkdir -p $(BUILD)/clang
	cp $(BUILD)/ngx-clang/$(MODULE).so $@

module-clang: deps-build $(BUILD)/clang/$(MODULE).so

module: deps-build $(MODULE_SO)

module-asan: deps-build $(ASAN_SO)

# a static nginx with the module compiled in (--add-module), from the full
# source of the same version; the suite's main tests run against it too

STATIC_NGINX := $(BUILD)/static/nginx

$(STATIC_NGINX): config $(CORE_SRCS) $(CORE_HDRS) $(GLUE_SRCS)
	@src=$$(./scripts/get-nginx-source) && cd $$src && \
	./configure --with-http_ssl_module --with-threads --with-pcre-jit \
	    --with-http_realip_module --with-poll_module --with-select_module \
	    --add-module=$(CURDIR) \
	    --builddir=$(BUILD)/static > $(BUILD)/static-configure.log \
	  || { tail -20 $(BUILD)/static-configure.log; exit 1; }; \
	$(MAKE) -C $$src -f $(BUILD)/static/Makefile -j2 binary

static: deps-build $(STATIC_NGINX)

test-static: deps-test static
	SC_NGINX=$(STATIC_NGINX) SC_STATIC=1 prove $(PROVE_ARGS) \
	    t/10-security-txt.t t/20-signing.t t/30-report.t \
	    t/34-event-methods.t t/50-delivery.t t/51-delivery-tls.t

# ---------------------------------------------------------------- pure core

$(BUILD)/unit/%: t/unit/%.c t/unit/tap.h $(CORE_SRCS) $(CORE_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CORE_CFLAGS) -fsanitize=address,undefined \
	    -fno-sanitize-recover=all -o $@ $< \
	    $(CORE_SRCS) $(CORE_LIBS)

$(BUILD)/tools/%: t/tools/%.c $(CORE_SRCS) $(CORE_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CORE_CFLAGS) -o $@ $< $(CORE_SRCS) $(CORE_LIBS)

$(BUILD)/fuzz/%: t/fuzz/%.c $(CORE_SRCS) $(CORE_HDRS)
	@mkdir -p $(dir $@)
	clang -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all -Ingx_module \
	    -o $@ $< $(CORE_SRCS) $(CORE_LIBS)

unit: $(UNIT_BINS)

tools: $(TOOL_BINS)

fuzz-build: $(FUZZ_BINS)

# each harness for FUZZ_TIME seconds, on its corpus under t/fuzz/corpus/
fuzz: deps-test fuzz-build
	@set -e; for f in $(FUZZ_BINS); do \
	    name=$$(basename $$f); corpus=t/fuzz/corpus/$${name#fuzz_}; \
	    work=$(BUILD)/fuzz/corpus-$${name#fuzz_}; \
	    mkdir -p $$work; \
	    echo "fuzz: $$name for $(FUZZ_TIME)s"; \
	    $$f -max_total_time=$(FUZZ_TIME) -print_final_stats=1 \
	        $$work $$( [ -d $$corpus ] && echo $$corpus ) \
	        2>$(BUILD)/fuzz/$$name.log \
	      || { tail -40 $(BUILD)/fuzz/$$name.log; exit 1; }; \
	    grep -E 'stat::number_of_executed_units' $(BUILD)/fuzz/$$name.log; \
	done

# ---------------------------------------------------------------- tests

test: deps-test module unit tools
	prove $(PROVE_ARGS) $(UNIT_BINS) t/*.t

# the same suite with the module built under AddressSanitizer and UBSan,
# loaded into the packaged nginx with the sanitizer runtimes preloaded
test-asan: deps-test module-asan unit tools
	SC_MODULE=$(ASAN_SO) SC_SANITIZE=1 prove $(PROVE_ARGS) t/*.t

# the nginx tests with nginx and the module under valgrind's memcheck
test-valgrind: deps-test module
	SC_VALGRIND=1 prove $(PROVE_ARGS) t/[1-4]*.t

test-unit: unit
	prove $(UNIT_BINS)

# ---------------------------------------------------------------- demo

run: deps-run module
	@./scripts/run-demo $(MODULE_SO)

bench: deps-test module
	@./scripts/bench $(MODULE_SO)

clean:
	rm -rf $(BUILD)
