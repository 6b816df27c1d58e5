/**
 * The configuration file: lexer, parser, model and check.
 *
 * <h2>How a feature adds keywords</h2>
 *
 * <p>As HAProxy's {@code dynbuf.c} declares and registers its own
 * {@code tune.buffers.*} keywords, a feature of Sluice declares its keywords in
 * a file of its own here and touches the shared files in one line each:
 *
 * <ol>
 *   <li>{@code FooKeywords.java}: {@code static void register(KeywordRegistry keywords)}
 *       adds each keyword to the tables it belongs in:
 *       {@code keywords.global()}, {@code keywords.proxies(Placement.BACKEND_AND_DEFAULTS)},
 *       {@code keywords.server()} (shared by {@code server} and {@code default-server}),
 *       {@code keywords.bind()}. Its directives are in the same file. Add
 *       {@code FooKeywords::register} to {@link dev.sluice.config.Keywords#FEATURES}.</li>
 *   <li>{@code FooSettings.java}: the mutable values while the file is read, one
 *       {@code final FooSettings foo} field of {@code ProxySection} (or
 *       {@code GlobalSection}, {@code ServerOptions}, {@code BindOptions}), with
 *       {@code inherit(FooSettings defaults)}, called from
 *       {@code ProxySection.inherit}, for what a defaults section passes on (and a
 *       copy for what {@code default-server} passes on to its servers).</li>
 *   <li>{@code FooConfig.java}: the immutable record {@code FooSettings.build()}
 *       returns, one component {@code foo} of {@code FrontendConfig},
 *       {@code BackendConfig}, {@code ServerConfig}, {@code BindConfig} or
 *       {@code Global}, read by the running code.</li>
 *   <li>docs/configuration.md: one row per keyword in its section's table;
 *       {@code KeywordDocTest} fails until the rows and the tables agree.</li>
 * </ol>
 *
 * <p>{@link dev.sluice.config.HttpKeywords}, {@link dev.sluice.config.HttpSettings}
 * and {@link dev.sluice.config.HttpConfig} are the example. A keyword no table
 * holds is refused with its line, so a feature's keywords stay refused, clearly,
 * until the feature registers them.
 */
package dev.sluice.config;
