"""Everything that touches the outside world: settings, databases, queues, the network."""
