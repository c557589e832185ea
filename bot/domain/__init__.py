"""The domain: organisation, reports and their classification. Imports nothing of ours."""
