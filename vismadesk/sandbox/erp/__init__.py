"""The Visma.net ERP API: customers, inventory, customer invoices.

Paths follow `api.finance.visma.net`: `/v1/customer`, `/v1/inventory`,
`/v2/customerinvoice` (create), `/v1/customerinvoice` (read, list, release), and the
lists a client's settings offer (classes, credit terms, branches, warehouses, VAT
categories). Each
resource is a class in its own module; `ErpApi` checks the bearer token and routes.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, Router

from vismadesk.sandbox.core import Core, json_response
from vismadesk.sandbox.erp.company_lists import CompanyLists
from vismadesk.sandbox.erp.customer_invoices import CustomerInvoices
from vismadesk.sandbox.erp.customers import Customers
from vismadesk.sandbox.erp.inventory import Inventory
from vismadesk.sandbox.erp.wire import ErpError, Handler
from vismadesk.sandbox.oauth import BearerError

# The ERP API checks the scope per operation: a read-only token cannot create.
SCOPE_FOR_METHOD = {"GET": "read", "POST": "create", "PUT": "update", "DELETE": "delete"}


def http_error(status: int, path: str) -> Response:
    """A path the ERP API does not have, or a method it does not take there."""
    if status == 405:
        text = "The requested resource does not support the HTTP method used."
    else:
        text = f"No HTTP resource was found that matches the request URI '{path}'."
    return ErpError(status, text).response()


class ErpApi:
    def __init__(self, core: Core) -> None:
        self.oauth = core.oauth
        self.resources = (
            Customers(core.state),
            Inventory(core.state),
            CustomerInvoices(core.state),
            CompanyLists(),
        )

    def router(self) -> Router:
        return Router(
            routes=[
                Route(path, self._guarded(handler), methods=[method])
                for resource in self.resources
                for path, method, handler in resource.routes()
            ]
        )

    def _guarded(self, handler: Handler) -> Handler:
        """The bearer token first (with the scope the method needs), then the handler;
        an `ErpError` becomes Visma's error body."""

        async def run(request: Request) -> Response:
            try:
                self.oauth.authorize_bearer(
                    request.headers.get("authorization"),
                    "erp",
                    SCOPE_FOR_METHOD.get(request.method, "read"),
                )
            except BearerError as e:
                return json_response(
                    {"message": "Authorization has been denied for this request."},
                    e.status,
                    {"WWW-Authenticate": e.www_authenticate()},
                )
            try:
                return await handler(request)
            except ErpError as e:
                return e.response()

        return run
