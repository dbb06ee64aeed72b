package io.caravan.runtime.cli;

import io.caravan.runtime.Caravan;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar caravan.jar [command]}: without a command, or with {@code serve}, it runs a
 * node; the other commands are the authors' tools — {@code validate} and {@code run} work on
 * files, offline; {@code push}, {@code pull}, {@code export}, {@code import}, {@code runs} and
 * {@code logs} talk to a server ({@code --server}, {@code --token} or CARAVAN_URL, CARAVAN_TOKEN).
 * Exit codes: 0 done, 1 the work failed (invalid job, failed run, refused call), 2 a usage error.
 */
@Command(name = "caravan", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Caravan: jobs on Apache Camel. Without a command, starts a node.",
        subcommands = {Cli.Serve.class, ValidateCommand.class, RunCommand.class, PushCommand.class, PullCommand.class,
            ExportCommand.class, ImportCommand.class, RunsCommand.class, LogsCommand.class, CompletionCommand.class})
public final class Cli implements Callable<Integer> {

    /** Runs the command line and exits with its code; a bare {@code caravan} serves. */
    public static void main(String[] args) throws Exception {
        commonPoolOfTwo();
        if (args.length == 0) {
            Caravan.main(args);
            return;
        }
        System.exit(commandLine().execute(args));
    }

    /**
     * The MinIO client runs each request as {@code CompletableFuture.supplyAsync} on the common
     * pool; on a machine of two cores that pool has one thread, and the JDK then starts a new
     * thread for every task — a thread per checkpoint. Two threads keep them pooled. Set before
     * anything touches the pool; a value given on the command line wins.
     */
    private static void commonPoolOfTwo() {
        String parallelism = "java.util.concurrent.ForkJoinPool.common.parallelism";
        if (System.getProperty(parallelism) == null && Runtime.getRuntime().availableProcessors() <= 2) {
            System.setProperty(parallelism, "2");
        }
    }

    /** The command line with every command, for running and for the completion script. */
    static CommandLine commandLine() {
        return new CommandLine(new Cli()).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, command, parsed) -> {
                    if (e instanceof ApiClient.Refused) {
                        command.getOut().println("refused: " + e.getMessage());
                        command.getOut().flush();
                        return 1; // the server said no, or could not be reached
                    }
                    throw e;
                });
    }

    @Override
    public Integer call() throws Exception {
        Caravan.main(new String[0]);
        return 0;
    }

    /** {@code caravan serve}: a node with the configuration of the environment (CARAVAN_*). */
    @Command(name = "serve", description = "Start a node (the default). Configured by CARAVAN_* variables.")
    static final class Serve implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            Caravan.main(new String[0]);
            return 0;
        }
    }

    /** The jar's version. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Caravan.class.getPackage().getImplementationVersion();
            return new String[] {"caravan " + (version == null ? "(development build)" : version)};
        }
    }
}
