package dev.berth.cli;

import dev.berth.access.PasswordHasher;
import dev.berth.access.Role;
import dev.berth.access.User;
import dev.berth.access.UsersFile;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * `berth user add|remove|list`: the dashboard's named users, in BERTH_HOME/users.json. Written
 * here directly, under the file's lock, so no daemon is needed; the daemon reads the change on its
 * next login check. A password never comes from the command line (it would sit in the shell's
 * history and in /proc for every user to read): it is asked twice on the terminal without echo,
 * or read from stdin with --password-stdin.
 */
final class UserCommand implements CliCommand {
    private final Spec spec = new Spec("user", "Dashboard users: a name, a role (viewer or operator) and an Argon2id-hashed password.")
            .subcommand(new Add()).subcommand(new Remove()).subcommand(new ListUsers());

    @Override public Spec spec() {
        return spec;
    }

    @Override public int run(Parsed args) {
        throw new IllegalStateException("user needs a subcommand"); // Cli dispatches to the subcommands
    }

    private static UsersFile users() {
        return new UsersFile(CommandEnvironment.home().dir(), PasswordHasher.owasp());
    }

    /** users.json that cannot be read or written: its path and what is wrong, exit 1. */
    private static CliException unusable(String verb, IOException e) {
        return new CliException(ExitCodes.FAILED, "user " + verb + ": " + e.getMessage());
    }

    static final class Add implements CliCommand {
        private final Spec spec = new Spec("add", "Add a user who can log in to the dashboard.")
                .details("  berth user add alice --role operator                 asks for the password twice",
                        "  printf '%s\\n' \"$PW\" | berth user add ci --password-stdin  for scripts",
                        "  A viewer can look; an operator can also act (start, stop, deploy, back up, restore).",
                        "  Passwords: at least " + PasswordHasher.FEWEST_CHARACTERS + " characters, at most " + PasswordHasher.MOST_BYTES + " bytes.")
                .positional("NAME", 1, 1, "1-63 of a-z 0-9 _ . - starting with a letter or digit.")
                .option("--role", "ROLE", "viewer or operator.", "viewer")
                .flag("--password-stdin", "Read the password from stdin (one line) instead of asking on the terminal.");

        @Override public Spec spec() {
            return spec;
        }

        @Override public int run(Parsed args) {
            try {
                return add(args);
            } catch (IOException e) {
                throw unusable("add", e);
            }
        }

        private static int add(Parsed args) throws IOException {
            String name = args.positional(0);
            Role role;
            try {
                UsersFile.requireValidName(name);
                role = Role.parse(args.value("--role"));
            } catch (IllegalArgumentException e) {
                throw new CliException(ExitCodes.USAGE, "user add: " + e.getMessage());
            }
            UsersFile users = users();
            if (users.find(name).isPresent()) throw exists(name);
            char[] password = args.flag("--password-stdin") ? fromStdin(System.in) : fromTerminal(name);
            try {
                users.add(name, role, password);
            } catch (PasswordHasher.Refused e) {
                throw new CliException(ExitCodes.USAGE, "user add: " + e.getMessage());
            } catch (IllegalArgumentException e) { // added meanwhile by another berth user add, or the file is full
                throw new CliException(ExitCodes.FAILED, "user add: " + e.getMessage());
            } finally {
                Arrays.fill(password, '\0');
            }
            Output.out("ok     user " + name + " added (" + role.label() + ")");
            return ExitCodes.OK;
        }

        private static CliException exists(String name) {
            return new CliException(ExitCodes.FAILED, "user add: user " + name + " exists; `berth user remove " + name + "` first to set a new password or role");
        }

        private static char[] fromTerminal(String name) {
            Console console = System.console();
            if (console == null) {
                throw new CliException(ExitCodes.USAGE, "user add: no terminal to ask for the password on; pipe it in with --password-stdin");
            }
            char[] first = console.readPassword("password for %s: ", name);
            if (first == null) throw new CliException(ExitCodes.FAILED, "user add: no password given");
            char[] again = console.readPassword("the same again: ");
            try {
                if (again == null || !Arrays.equals(first, again)) {
                    Arrays.fill(first, '\0');
                    throw new CliException(ExitCodes.USAGE, "user add: the two passwords differ; nothing was added");
                }
                return first;
            } finally {
                if (again != null) Arrays.fill(again, '\0');
            }
        }
    }

    /** One line of in (its newline, \n or \r\n, taken off), as UTF-8 text; at most MOST_BYTES. */
    static char[] fromStdin(InputStream in) throws IOException {
        byte[] raw = in.readNBytes(PasswordHasher.MOST_BYTES + 3);
        try {
            int end = raw.length;
            int newline = 0;
            while (newline < end && raw[newline] != '\n') newline++;
            if (newline < end) {
                if (newline + 1 < end) throw new CliException(ExitCodes.USAGE, "user add: --password-stdin reads one line; stdin has more");
                end = newline;
            }
            if (end > 0 && raw[end - 1] == '\r') end--;
            if (end > PasswordHasher.MOST_BYTES) {
                throw new CliException(ExitCodes.USAGE, "user add: a password may have at most " + PasswordHasher.MOST_BYTES + " bytes");
            }
            if (end == 0) throw new CliException(ExitCodes.USAGE, "user add: stdin held no password");
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(raw, 0, end));
            char[] out = new char[chars.remaining()];
            chars.get(out);
            Arrays.fill(chars.array(), '\0');
            return out;
        } catch (CharacterCodingException e) {
            throw new CliException(ExitCodes.USAGE, "user add: the password on stdin is not UTF-8 text");
        } finally {
            Arrays.fill(raw, (byte) 0);
        }
    }

    static final class Remove implements CliCommand {
        private final Spec spec = new Spec("remove", "Remove a user: they can no longer log in.")
                .alias("rm")
                .positional("NAME", 1, 1, "The user.");

        @Override public Spec spec() {
            return spec;
        }

        @Override public int run(Parsed args) {
            User gone;
            try {
                gone = users().remove(args.positional(0)); // Names.Unknown (exit 4, listing the users) when there is none
            } catch (IOException e) {
                throw unusable("remove", e);
            }
            Output.out("ok     user " + gone.name() + " removed");
            return ExitCodes.OK;
        }
    }

    static final class ListUsers implements CliCommand {
        private final Spec spec = new Spec("list", "The users and their roles (never their password hashes).")
                .alias("ls")
                .json();

        @Override public Spec spec() {
            return spec;
        }

        @Override public int run(Parsed args) {
            List<User> users;
            try {
                users = users().users();
            } catch (IOException e) {
                throw unusable("list", e);
            }
            if (args.flag("--json")) {
                List<Map<String, Object>> out = new ArrayList<>();
                for (User u : users) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", u.name());
                    m.put("role", u.role().label());
                    out.add(m);
                }
                Output.json(out);
                return ExitCodes.OK;
            }
            if (users.isEmpty()) {
                Output.out("no users; add one with `berth user add NAME --role viewer|operator`");
                return ExitCodes.OK;
            }
            List<List<String>> rows = new ArrayList<>();
            for (User u : users) rows.add(List.of(u.name(), u.role().label()));
            Output.out(Output.table(List.of("NAME", "ROLE"), rows));
            return ExitCodes.OK;
        }
    }
}
