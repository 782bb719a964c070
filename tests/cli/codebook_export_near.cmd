codebook export tests/golden/codebooks/near.codebook
