// CasebookModels: placeholder, filled in by its issue.
