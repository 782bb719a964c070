merge tests/cli/data/state-v5-brands.vbs --no-default-codebook --codebook tests/cli/data/mini.codebook --brands tests/cli/data/shops.brands --format json
