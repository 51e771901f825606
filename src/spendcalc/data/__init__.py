"""The dataset: its pydantic schema (`schema`) and reading it from a file (`load`)."""
