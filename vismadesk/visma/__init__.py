"""Visma.net: the Visma Connect token manager and the ERP + SalesOrders v3 client."""
