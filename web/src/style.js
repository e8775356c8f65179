// Colours and shapes shared by the network, its legend and the timeline.
// Okabe–Ito colours, so the directions and steps stay apart for colour-blind readers;
// every colour is paired with a line style, shape or letter as well.

export const DIRECTIONS = {
  UPWARD: { label: "Upward: reverse transfer", colour: "#0072B2", line: "solid" },
  DOWNWARD: { label: "Downward: dissemination", colour: "#D55E00", line: "dashed" },
  HORIZONTAL: { label: "Horizontal: peer sharing", colour: "#009E73", line: "dotted" },
};

export const ROLES = {
  CAPABILITY_CENTRE: { label: "HQ capability centre", colour: "#1d2b64", shape: "star", size: 62 },
  HQ: { label: "Headquarters", colour: "#3f4a8a", shape: "round-rectangle", size: 50 },
  REGIONAL_HQ: { label: "Regional hub", colour: "#6a51a3", shape: "hexagon", size: 44 },
  CORE_SUBSIDIARY: { label: "Core subsidiary", colour: "#2a7fb8", shape: "diamond", size: 36 },
  SUBSIDIARY: { label: "Subsidiary", colour: "#56B4E9", shape: "ellipse", size: 32 },
  GROUP: { label: "Subsidiaries counted, not drawn (click to open)", colour: "#d9dde3", shape: "round-rectangle", size: 40 },
};

/** Learning sources, by the kind of actor (the rim of the network). */
export const SOURCE_KINDS = {
  CUSTOMER: { label: "Customer", colour: "#E69F00", shape: "round-triangle" },
  COLLABORATOR: { label: "Collaborator (co-operation)", colour: "#8c8c2a", shape: "round-rectangle" },
  HOST_COUNTRY: { label: "Host country", colour: "#AA4499", shape: "round-octagon" },
  OTHER: { label: "Other actor", colour: "#888888", shape: "round-tag" },
};

export const STEPS = {
  LEVERAGE: { label: "Leverage", colour: "#0072B2" },
  RENEW: { label: "Renew", colour: "#009E73" },
  RELEASE: { label: "Release", colour: "#D55E00" },
};

export const TIERS = {
  HIGH: { label: "High tier (cross-functional): filled, H" },
  LOW: { label: "Low tier (one value-chain activity): hollow, L" },
};

export const HIGHLIGHT = "#FFC20A";
export const CURRENT = "#E4007C";

/** The legend entry of an actor kind (kinds beyond the three channels share one entry). */
export function sourceKindOf(kind) {
  return SOURCE_KINDS[kind] ? kind : "OTHER";
}

/** A unit's role in words. */
export function describeRole(role) {
  return ROLES[role]?.label ?? role.toLowerCase().replaceAll("_", " ");
}

/** An enum value in words: "TRANSFERRED_UP" -> "transferred up". */
export function describeEnum(value) {
  return value ? value.toLowerCase().replaceAll("_", " ") : "";
}
