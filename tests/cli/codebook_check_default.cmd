codebook check -q
