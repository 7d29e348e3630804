"""Commands and policies: eventsourcing Applications and the services around them."""
