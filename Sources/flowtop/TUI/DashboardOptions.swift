import ArgumentParser
import Dashboard
import Foundation
import Terminal

/// How the dashboard looks: `--theme` and `--no-color` (or `NO_COLOR`).
struct DashboardOptions: ParsableArguments {
    @Option(help: "A theme name (default, light, high-contrast, mono, or one in ~/.config/flowtop/themes) or a theme file.")
    var theme = "default"

    @Flag(help: "No colours, only bold/underline/reverse (also when NO_COLOR is set).")
    var noColor = false

    func loadTheme() throws(CommandLineFailure) -> Theme {
        do {
            return try ThemeLoader.load(theme, environment: ProcessInfo.processInfo.environment)
        } catch {
            throw CommandLineFailure("bad theme: \(error)")
        }
    }

    var colorMode: ColorMode { ColorMode(noColorFlag: noColor, environment: ProcessInfo.processInfo.environment) }
}
