agree tests/cli/data/agree.jsonl --codes codes --format tsv -q
