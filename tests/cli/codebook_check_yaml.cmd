codebook check tests/golden/codebooks/cx.yml --format json -q
