/// What a cell is, not how it looks: the theme decides colours per role, so a theme file only names roles.
public enum StyleRole: String, Sendable, Hashable, CaseIterable {
    case normal
    case dim
    case header
    case headerAccent = "header_accent"
    case paneBorder = "pane_border"
    case paneBorderFocused = "pane_border_focused"
    case paneTitle = "pane_title"
    case paneTitleActive = "pane_title_active"
    case agentText = "agent_text"
    case reasoningText = "reasoning_text"
    case toolLine = "tool_line"
    case transitionMarker = "transition_marker"
    case markdownHeading = "markdown_heading"
    case markdownBold = "markdown_bold"
    case markdownItalic = "markdown_italic"
    case markdownBoldItalic = "markdown_bold_italic"
    case markdownCode = "markdown_code"
    case markdownCodeBlock = "markdown_code_block"
    case markdownQuote = "markdown_quote"
    case markdownLink = "markdown_link"
    case markdownLinkURL = "markdown_link_url"
    case markdownListMarker = "markdown_list_marker"
    case markdownRule = "markdown_rule"
    case statusWaiting = "status_waiting"
    case statusStreaming = "status_streaming"
    case statusTool = "status_tool"
    case statusDone = "status_done"
    case statusFailed = "status_failed"
    case timelineHeader = "timeline_header"
    case timelineRow = "timeline_row"
    case timelineSelected = "timeline_selected"
    case toolOK = "tool_ok"
    case toolError = "tool_error"
    case toolRunning = "tool_running"
    case searchMatch = "search_match"
    case searchCurrent = "search_current"
    case mapTitle = "map_title"
    case mapNode = "map_node"
    case mapNodeActive = "map_node_active"
    case mapEdge = "map_edge"
    case mapEdgeLit = "map_edge_lit"
    case footer
    case footerKey = "footer_key"
    case overlay
    case overlayTitle = "overlay_title"
    case overlayBorder = "overlay_border"
    case warning
    case error
}
