package dev.whatsapphub.api;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

@Configuration(proxyBeanMethods = false)
class ApiConfiguration implements WebMvcConfigurer {

    private final ApiKeyInterceptor apiKeys;

    ApiConfiguration(ApiKeyInterceptor apiKeys) {
        this.apiKeys = apiKeys;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        // connector endpoints authenticate their systems their own way (a signature, the connector's key)
        registry.addInterceptor(apiKeys).addPathPatterns("/api/**").excludePathPatterns("/api/v1/connectors/*/events", "/api/v1/connectors/*/webhook");
    }
}
