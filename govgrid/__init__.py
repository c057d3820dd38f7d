"""govgrid shared kernel: what every service stands on. It never imports a service."""
