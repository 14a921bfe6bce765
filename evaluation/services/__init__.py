"""Use cases the dashboard and the command line call, one module per area; each takes the
actor and checks its permission before anything is read or stored."""
