codebook export tests/golden/codebooks/escape.codebook
