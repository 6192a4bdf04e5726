"""The API object urls.py mounts at /api/; docs at /api/docs, schema at /api/openapi.json."""

from ninja import NinjaAPI

from chainvest.api import auth, chains, errors, projects, reports

api = NinjaAPI(
    title="chainvest API",
    version="1",
    description="昌吉州产业链招商平台接口。先用 POST /api/auth/token 获取令牌，"
    "之后在请求头中带上 Authorization: Bearer <token>。",
    docs_url="/docs",
    auth=auth.AUTH,
)
errors.install(api)
api.add_router("/auth", auth.router)
api.add_router("/projects", projects.router)
api.add_router("/chains", chains.router)
api.add_router("/", reports.router)
