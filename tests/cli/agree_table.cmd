agree tests/cli/data/agree.jsonl --codes codes --sentiment sentiment -q
