// GraphiQL at /graphql, bundled with everything it needs: it loads nothing from the internet.
// The README's example queries open as tabs (build.mjs extracts them into KFLOW_EXAMPLES).
import { createGraphiQLFetcher } from "@graphiql/toolkit";
import { GraphiQL } from "graphiql";
import "graphiql/graphiql.css";
import React from "react";
import { createRoot } from "react-dom/client";

/* global KFLOW_EXAMPLES */
const fetcher = createGraphiQLFetcher({ url: window.location.pathname });

createRoot(document.getElementById("graphiql")).render(
  React.createElement(GraphiQL, {
    fetcher,
    defaultEditorToolsVisibility: true,
    defaultTabs: KFLOW_EXAMPLES,
  }),
);
