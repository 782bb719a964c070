codebook check tests/golden/codebooks/cx.dic -q
