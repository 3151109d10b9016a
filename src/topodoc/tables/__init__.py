"""Tables of the model: named column sets, filters, exact values in a stable order."""
