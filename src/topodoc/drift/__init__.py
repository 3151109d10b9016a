"""The drift checker: collectors -> normalised resources -> pure analyzer -> reports."""
