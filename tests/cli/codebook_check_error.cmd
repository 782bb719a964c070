codebook check tests/golden/codebooks/err_undefined.dic
