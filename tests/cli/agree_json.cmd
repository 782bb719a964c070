agree tests/cli/data/agree.jsonl --codes codes --sentiment sentiment --format json --disagreements 1 -q
