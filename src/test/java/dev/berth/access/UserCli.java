package dev.berth.access;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.List;

/**
 * `berth user ...` in a process of its own, through the CLI's real parser, dispatch and error
 * handling (Cli, Main.run), with UserCommand as the one command: the command list in Main is not
 * this package's to change. Once `user` is registered there, dev.berth.cli.Main does the same.
 */
final class UserCli {
    private UserCli() { }

    public static void main(String[] args) throws Exception {
        Class<?> cliClass = Class.forName("dev.berth.cli.Cli");
        Constructor<?> command = Class.forName("dev.berth.cli.UserCommand").getDeclaredConstructor();
        command.setAccessible(true);
        Constructor<?> cli = cliClass.getDeclaredConstructor(String.class, List.class, List.class, List.class);
        cli.setAccessible(true);
        Object berth = cli.newInstance("berth", List.of(), List.of(command.newInstance()), List.of());
        Method run = Class.forName("dev.berth.cli.Main").getDeclaredMethod("run", cliClass, String[].class);
        run.setAccessible(true);
        int code = (int) run.invoke(null, berth, args);
        System.out.flush();
        Runtime.getRuntime().halt(code);
    }
}
