package io.caravan.runtime.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;

/** {@code caravan completion}: a bash/zsh completion script, e.g. {@code source <(caravan completion)}. */
@Command(name = "completion", description = "Print a bash/zsh completion script: source <(caravan completion)")
final class CompletionCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        System.out.print(AutoComplete.bash("caravan", Cli.commandLine()));
        return 0;
    }
}
