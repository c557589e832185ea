"""meldbot: report aggression and intimidation against public servants in a short Dutch chat."""
