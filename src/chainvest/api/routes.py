from ninja import NinjaAPI

api = NinjaAPI(title="chainvest API", version="1", docs_url="/docs")
