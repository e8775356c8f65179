"""The one settings class: environment variables prefixed KFLOW_, checked for unsafe values."""

from functools import lru_cache
from pathlib import Path
from typing import Literal, Self
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

# The checkout (or image directory) that holds cypher/, seed/, schema/ beside service/.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
NEO4J_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
WEAK_PASSWORDS = {"neo4j", "password", "changeme", "secret", "test", "admin"}
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


class Settings(BaseSettings):
    """kflow's configuration; every field is documented in the README's settings table."""

    model_config = SettingsConfigDict(env_prefix="KFLOW_", extra="ignore")

    env: Literal["local", "test", "production"] = Field(
        default="local", description="Where kflow runs; production refuses local-only defaults."
    )
    graph_url: str = Field(
        default="embedded://./data",
        description="embedded://DIR (engine started by kflow, data in DIR) or a Neo4j URL.",
    )
    graph_name: str = Field(
        default="kflow",
        pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,62}$",
        description="Graph key on the embedded engine; database name on Neo4j (blank: default).",
    )
    neo4j_user: str = Field(default="neo4j", description="Neo4j user name.")
    neo4j_password: SecretStr | None = Field(default=None, description="Neo4j password.")
    neo4j_database: str | None = Field(default=None, description="Neo4j database (None: home).")
    engine_module: Path | None = Field(
        default=None,
        description="FalkorDB module (falkordb.so) to load; default: the one `kflow engine "
        "install` put in the environment.",
    )
    engine_fsync: Literal["always", "everysec"] = Field(
        default="always",
        description="Append-only file fsync policy: always = no acknowledged write lost.",
    )
    engine_start_timeout_s: float = Field(
        default=120.0, gt=0, description="How long to wait for the engine to load its data."
    )
    engine_watch_s: float = Field(
        default=1.0, gt=0, le=60, description="How often kflow checks the engine is alive."
    )
    query_timeout_ms: int = Field(
        default=10_000, ge=100, le=600_000, description="Server-side limit for one query."
    )
    query_memory_mb: int = Field(
        default=1024, ge=16, le=65_536, description="Memory one query may use (embedded)."
    )
    analyst_timeout_ms: int = Field(
        default=5_000, ge=100, le=600_000, description="Time limit for analyst Cypher."
    )
    analyst_row_cap: int = Field(
        default=1_000, ge=1, le=100_000, description="Most rows analyst Cypher returns."
    )
    analyst_max_response_bytes: int = Field(
        default=8_000_000,
        ge=10_000,
        le=1_000_000_000,
        description="Most bytes of reply analyst Cypher reads from the store; past it the "
        "answer is cut (truncated, cutBy bytes).",
    )
    analyst_max_query_chars: int = Field(
        default=20_000, ge=100, le=1_000_000, description="Longest analyst Cypher accepted."
    )
    pool_size: int = Field(default=16, ge=1, le=256, description="Connections to the store.")
    host: str = Field(default="127.0.0.1", description="Address `kflow serve` binds.")
    port: int = Field(default=8000, ge=1, le=65_535, description="Port `kflow serve` binds.")
    anonymous_role: Literal["none", "reader", "analyst", "editor"] | None = Field(
        default=None,
        description="What a request without an API key may do (default: analyst locally, "
        "none elsewhere).",
    )
    cors_origins: list[str] = Field(
        default_factory=list, description="Origins browsers may call the API from."
    )
    max_body_bytes: int = Field(
        default=1_000_000, ge=1_000, le=100_000_000, description="Largest request body."
    )
    rate_limit_per_minute: int = Field(
        default=0,
        ge=0,
        le=1_000_000,
        description="Requests one caller (API key, else address) may make a minute; over it "
        "429. 0: no limit.",
    )
    public_url: str = Field(
        default="",
        pattern=r"^(https?://[^/?#\s]+(/[^?#\s]*)?)?$",
        description="The address clients reach kflow at (e.g. https://kflow.example.org): "
        "the specifications the schema points at are given under it; blank: their paths "
        "on this server.",
    )
    max_page_size: int = Field(
        default=100, ge=1, le=10_000, description="Largest page a list returns."
    )
    graphql_max_depth: int = Field(default=12, ge=2, le=100, description="GraphQL query depth.")
    graphql_max_aliases: int = Field(
        default=30, ge=1, le=1_000, description="GraphQL aliases per request."
    )
    graphql_max_tokens: int = Field(
        default=2_000, ge=100, le=100_000, description="GraphQL tokens per request."
    )
    graphql_max_document_bytes: int = Field(
        default=100_000,
        ge=1_000,
        le=10_000_000,
        description="Largest GraphQL document; a larger one is refused before it is parsed.",
    )
    api_docs: bool | None = Field(
        default=None,
        description="Serve /docs and /openapi.json (default: on except production).",
    )
    graphql_max_cost: int = Field(
        default=5_000,
        ge=1,
        le=10_000_000,
        description="GraphQL cost budget per request (objects a query may ask for).",
    )
    graphql_max_cost_by_role: dict[Literal["reader", "analyst", "editor", "admin"], int] = Field(
        default_factory=dict,
        description='Cost budgets of chosen roles, as JSON (e.g. {"admin": 50000}).',
    )
    graphiql: bool | None = Field(
        default=None, description="Serve GraphiQL at /graphql (default: on except production)."
    )
    log_format: Literal["json", "text"] = Field(
        default="json",
        description="Log lines on stderr: json (one object a line, for collectors) or text.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", description="Least severe log level written (debug adds store queries)."
    )

    @property
    def backend(self) -> Literal["embedded", "neo4j"]:
        """Which adapter the graph URL selects."""
        return "embedded" if urlsplit(self.graph_url).scheme == "embedded" else "neo4j"

    @property
    def _embedded_location(self) -> str:
        """The directory an embedded:// graph URL names, as written."""
        parts = urlsplit(self.graph_url)
        return parts.netloc + parts.path

    @property
    def embedded_dir(self) -> Path:
        """The embedded engine's data directory; a relative one is under the project root."""
        return (PROJECT_ROOT / Path(self._embedded_location).expanduser()).resolve()

    @property
    def anonymous_access(self) -> str:
        """What anonymous requests may do: analyst locally unless set, nothing elsewhere."""
        if self.anonymous_role is not None:
            return self.anonymous_role
        return "analyst" if self.env == "local" else "none"

    def graphql_cost_budget(self, role: str | None) -> int:
        """The GraphQL cost budget of a role (the default budget for roles not listed)."""
        if role is not None and role in self.graphql_max_cost_by_role:
            return self.graphql_max_cost_by_role[role]
        return self.graphql_max_cost

    @property
    def api_docs_enabled(self) -> bool:
        """The API's documentation pages: on by default except in production."""
        return self.api_docs if self.api_docs is not None else self.env != "production"

    @property
    def graphiql_enabled(self) -> bool:
        """GraphiQL is a development aid: on by default except in production."""
        return self.graphiql if self.graphiql is not None else self.env != "production"

    @model_validator(mode="after")
    def _refuse_unsafe(self) -> Self:
        scheme = urlsplit(self.graph_url).scheme
        if scheme != "embedded" and scheme not in NEO4J_SCHEMES:
            raise ValueError(
                f"KFLOW_GRAPH_URL '{self.graph_url}': unknown scheme '{scheme}'; use "
                f"embedded://DIR or one of {', '.join(s + '://' for s in NEO4J_SCHEMES)}"
            )
        if scheme == "embedded" and not self._embedded_location:
            raise ValueError(
                "KFLOW_GRAPH_URL 'embedded://' needs a directory, e.g. embedded://./data"
            )
        if scheme != "embedded":
            password = self.neo4j_password.get_secret_value() if self.neo4j_password else ""
            if not password:
                raise ValueError("KFLOW_NEO4J_PASSWORD is required with a Neo4j KFLOW_GRAPH_URL")
            if self.env == "production" and password.lower() in WEAK_PASSWORDS:
                raise ValueError(
                    "KFLOW_NEO4J_PASSWORD is a well-known default; refusing it in production"
                )
        if self.env != "production":
            return self
        if self.graphiql:
            raise ValueError("KFLOW_GRAPHIQL=true is refused in production")
        if self.anonymous_role in ("analyst", "editor"):
            raise ValueError(
                f"KFLOW_ANONYMOUS_ROLE={self.anonymous_role} is refused in "
                "production: anonymous access may at most read"
            )
        if "*" in self.cors_origins:
            raise ValueError("KFLOW_CORS_ORIGINS=* is refused in production: list the origins")
        if scheme == "embedded" and not Path(self._embedded_location).is_absolute():
            raise ValueError(
                "in production the embedded data directory must be an absolute "
                "path (KFLOW_GRAPH_URL=embedded:///var/lib/kflow)"
            )
        return self


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once from the environment."""
    return Settings()
