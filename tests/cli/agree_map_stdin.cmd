agree --input-format csv --codes "my codes" --sentiment tone --map tests/cli/data/agree.map --no-default-codebook --codebook tests/cli/data/mini.codebook -q
