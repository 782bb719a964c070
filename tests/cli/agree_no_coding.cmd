agree tests/cli/data/agree.jsonl -q
