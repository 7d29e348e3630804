"""The dashboard: its pages (server-rendered, htmx for partial updates) and the statistics API behind them."""
