agree tests/cli/data/agree.csv --codes "my codes" --map tests/cli/data/agree_bad.map --no-default-codebook --codebook tests/cli/data/mini.codebook -q
