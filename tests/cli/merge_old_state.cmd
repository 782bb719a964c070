merge tests/cli/data/state-v2.vbs --no-default-codebook --codebook tests/cli/data/mini.codebook --format json
