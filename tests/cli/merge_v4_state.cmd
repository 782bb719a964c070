merge tests/cli/data/state-v4.vbs --no-default-codebook --codebook tests/cli/data/mini.codebook --format table
