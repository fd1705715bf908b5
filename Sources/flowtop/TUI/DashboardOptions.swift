import ArgumentParser
import Dashboard
import DashboardApp
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

    /// The theme and the terminal a screen draws on; `what` names the screen in the error ("the dashboard").
    func openScreen(for what: String) throws(CommandLineFailure) -> (Theme, NcursesBackend) {
        let theme = try loadTheme()
        do {
            return (theme, try NcursesBackend(colorMode: colorMode))
        } catch {
            throw CommandLineFailure("cannot start \(what): \(error)")
        }
    }

    var colorMode: ColorMode { ColorMode(noColorFlag: noColor, environment: ProcessInfo.processInfo.environment) }
}
