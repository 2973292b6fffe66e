"""Ask/tell hyperparameter searchers and the search loop."""

__all__: list[str] = []
